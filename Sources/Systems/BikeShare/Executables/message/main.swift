import BikeShare
import Chassis

Service.main(MessageContext.self)
