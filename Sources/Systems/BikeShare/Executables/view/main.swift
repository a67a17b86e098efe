import BikeShare
import Chassis

Service.main(ViewContext.self)
